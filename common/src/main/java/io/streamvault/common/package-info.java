/** The project exception hierarchy and its stable error codes. */
package io.streamvault.common;
