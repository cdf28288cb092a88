/** The subcommands of the streamvault command line. */
package io.streamvault.launcher.cli;
