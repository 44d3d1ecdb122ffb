// Filled in by the checkpoint work.
