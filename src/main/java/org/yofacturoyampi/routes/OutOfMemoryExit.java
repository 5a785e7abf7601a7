package org.yofacturoyampi.routes;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link OutOfMemoryError} ends the process, so that a supervisor (systemd, Kubernetes) restarts it, rather than
 * leaving it half alive: a run that failed for want of memory may have left any state behind, a feed's run lock
 * included. The JVM does this itself when started with {@code -XX:+ExitOnOutOfMemoryError} (the README's commands);
 * this is for when it was not: wherever the app reports a failure, an OutOfMemoryError among its causes halts the JVM
 * with one line on standard error and exit status {@value #STATUS}.
 */
public final class OutOfMemoryExit {

    public static final int STATUS = 3;
    /**
     * Set by the first thread to halt: with requests side by side, several may meet the error at once, and the line is
     * said once (the one piece of static state here: it is about the process, which ends).
     */
    private static final AtomicBoolean HALTING = new AtomicBoolean();
    /** Counted down once the first thread said its line: the others wait for it before they halt (at most 10 s). */
    private static final CountDownLatch SAID = new CountDownLatch(1);

    private OutOfMemoryExit() {
    }

    /** Halts the JVM if {@code failure} is, or was caused by, an OutOfMemoryError; else does nothing. */
    public static void ifOutOfMemory(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                if (!HALTING.compareAndSet(false, true)) {
                    // another thread is saying it and ending the process: halting now could cut its line
                    awaitTheLine();
                    Runtime.getRuntime().halt(STATUS);
                }
                // no logging framework here: it may need memory there is none of
                System.err.println("out of memory (" + t.getMessage() + "): the process ends with status " + STATUS
                        + " so that its supervisor restarts it; give it more heap (-Xmx) and start it with "
                        + "-XX:+ExitOnOutOfMemoryError");
                System.err.flush();
                SAID.countDown();
                Runtime.getRuntime().halt(STATUS);
            }
        }
    }

    private static void awaitTheLine() {
        try {
            SAID.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // halts at once: the process ends either way
        }
    }
}
