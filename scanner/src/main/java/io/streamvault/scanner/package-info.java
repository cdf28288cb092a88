/** Scanner role: lists directories handed out as tasks on a topic and publishes what it finds. */
package io.streamvault.scanner;
