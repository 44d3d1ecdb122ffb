// Filled in by the multiprecision work.
