"""Text helpers every stage may use: writing systems, stop words. They import no stage."""
