package dev.neuronscribe.study;

import java.time.Instant;

/** A study as stored. */
record Study(long id, String name, String explainerModel, String instructions, Instant createdAt) {}
