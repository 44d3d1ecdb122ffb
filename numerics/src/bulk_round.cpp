// Filled in by the bulk rounding work.
