/** Pipeline wiring, instance slots, passwords, job submission and output. Not an API. */
package io.streamvault.launcher.internal;
