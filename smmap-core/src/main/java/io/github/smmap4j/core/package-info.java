/**
 * Memory-map manager: {@link io.github.smmap4j.core.StaticWindowMapManager} maps whole files,
 * {@link io.github.smmap4j.core.SlidingWindowMapManager} maps page-aligned windows; clients read
 * through {@link io.github.smmap4j.core.WindowCursor} or {@link io.github.smmap4j.core.MappedFileBuffer}.
 */
package io.github.smmap4j.core;
