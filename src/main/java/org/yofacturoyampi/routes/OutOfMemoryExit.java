package org.yofacturoyampi.routes;

/**
 * An {@link OutOfMemoryError} ends the process, so that a supervisor (systemd, Kubernetes) restarts it, rather than
 * leaving it half alive: a run that failed for want of memory may have left any state behind, a feed's run lock
 * included. The JVM does this itself when started with {@code -XX:+ExitOnOutOfMemoryError} (the README's commands);
 * this is for when it was not: wherever the app reports a failure, an OutOfMemoryError among its causes halts the JVM
 * with one line on standard error and exit status {@value #STATUS}.
 */
public final class OutOfMemoryExit {

    public static final int STATUS = 3;

    private OutOfMemoryExit() {
    }

    /** Halts the JVM if {@code failure} is, or was caused by, an OutOfMemoryError; else does nothing. */
    public static void ifOutOfMemory(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                // no logging framework here: it may need memory there is none of
                System.err.println("out of memory (" + t.getMessage() + "): the process ends with status " + STATUS
                        + " so that its supervisor restarts it; give it more heap (-Xmx) and start it with "
                        + "-XX:+ExitOnOutOfMemoryError");
                System.err.flush();
                Runtime.getRuntime().halt(STATUS);
            }
        }
    }
}
