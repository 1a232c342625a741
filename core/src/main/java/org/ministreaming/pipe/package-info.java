/**
 * The one bounded blocking pipe ({@link org.ministreaming.pipe.Pipe}) and the one timed wait
 * ({@link org.ministreaming.pipe.Deadline}) that the engine and the transports share. Internal:
 * the module does not export it. It depends on the JDK only, so that both the engine and the
 * transports below it may use it.
 */
package org.ministreaming.pipe;
