/** The streamvault command and the runtime that runs every role in one JVM. */
package io.streamvault.launcher;
