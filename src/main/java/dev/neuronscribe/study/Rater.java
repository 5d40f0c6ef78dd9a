package dev.neuronscribe.study;

/**
 * A rater of one study. The link token itself is not stored (only its SHA-256), so a copy of the database
 * does not hand out working links. {@code seed} fixes this rater's order of items and explanations.
 */
record Rater(long id, long studyId, String label, long seed) {}
