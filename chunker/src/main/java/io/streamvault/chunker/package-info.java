/** Chunker role: FastCDC content-defined chunking and the worker that turns file events into chunk records. */
package io.streamvault.chunker;
