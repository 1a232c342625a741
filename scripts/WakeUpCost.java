import java.util.concurrent.locks.LockSupport;

/**
 * What a hand-off between two threads costs on this machine: two threads pass a turn back and
 * forth, each parking ({@code LockSupport.park}) until the other hands it back, and the program
 * prints the time per round trip (two wake-ups). With a spin budget in nanoseconds, each waits
 * by spinning that long before it parks:
 *
 *   java scripts/WakeUpCost.java          # parks at once
 *   java scripts/WakeUpCost.java 20000    # spins up to 20 µs first
 */
public final class WakeUpCost {
    private static final int ROUND_TRIPS = 200_000;
    private static volatile int turn;

    public static void main(String[] args) throws InterruptedException {
        long spinNanos = args.length > 0 ? Long.parseLong(args[0]) : 0;
        Thread main = Thread.currentThread();
        Thread[] other = new Thread[1];
        other[0] = new Thread(() -> {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                awaitTurn(1, spinNanos);
                turn = 0;
                LockSupport.unpark(main);
            }
        });
        other[0].start();
        long start = System.nanoTime();
        for (int i = 0; i < ROUND_TRIPS; i++) {
            turn = 1;
            LockSupport.unpark(other[0]);
            awaitTurn(0, spinNanos);
        }
        long nanos = System.nanoTime() - start;
        other[0].join();
        System.out.printf("spin budget %d ns: %.2f µs per round trip%n", spinNanos, nanos / 1e3 / ROUND_TRIPS);
    }

    private static void awaitTurn(int mine, long spinNanos) {
        long spinUntil = System.nanoTime() + spinNanos;
        while (turn != mine) {
            if (System.nanoTime() - spinUntil < 0) {
                Thread.onSpinWait();
            } else {
                LockSupport.park();
            }
        }
    }
}
