package io.nixship.manifest;

/** One image reference changed at a 1-based line, as written before and after. */
public record Change(int line, String oldReference, String newReference) {}
