/** The upload handler and pack assembly. Not an API. */
package io.streamvault.uploader.internal;
