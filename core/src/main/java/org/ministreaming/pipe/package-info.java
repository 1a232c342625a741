/**
 * The one bounded blocking pipe ({@link org.ministreaming.pipe.Pipe}), the one timed wait
 * ({@link org.ministreaming.pipe.Deadline}), the one free list of reusable objects
 * ({@link org.ministreaming.pipe.FreeList}) and the one list of offers waiting for room
 * ({@link org.ministreaming.pipe.RoomWaiters}) that the engine and the transports share. Internal:
 * the module does not export it. It depends on the JDK only, so that both the engine and the
 * transports below it may use it.
 */
package org.ministreaming.pipe;
