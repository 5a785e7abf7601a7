package org.yofacturoyampi.routes.yampi;

import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.delivery.DeliveryState;
import org.yofacturoyampi.routes.delivery.InboundFailureLog;
import org.yofacturoyampi.routes.delivery.InboundSource;

/**
 * Yampi messages read from Kafka, posted at most once across crashes. A Kafka record is read again after a crash until
 * its offset is committed, and Yampi cannot tell a repeated POST from a new message, so each record is claimed here
 * (kept under its {@link InboundSource} name, in the delivery state: a file under STATE_DIR, or the cluster's
 * database) before its POST, and settled once its outcome is written:
 * <ul>
 * <li>read again after it was settled (a crash between the outcome and the commit): nothing is done again;</li>
 * <li>read again while claimed (a crash between the claim and the outcome, so after the POST perhaps): not posted
 * again; it goes to the message errors as "uncertain", as a 5xx does;</li>
 * <li>not sent (nothing reached Yampi): the claim goes, so the next read sends it.</li>
 * </ul>
 * Files are not kept here: a file is moved to .done/ once its outcome is written.
 */
public final class YampiPostLedger extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(YampiPostLedger.class);
    private static final String CLAIMED = "claimed";
    private static final String SETTLED = "settled";

    private final DeliveryState state;

    public YampiPostLedger(DeliveryState state) {
        this.state = state;
    }

    /** Before the POST; throws when an earlier read of this record got as far as its claim, or to its outcome. */
    public void claim(Exchange exchange) {
        String id = kafkaRecord(exchange);
        if (id == null) {
            return;
        }
        // asked by key: a compact state keeps a hash of the value, not the value (DeliveryStateRepository)
        if (state.contains(id + "\t" + SETTLED)) {
            LOG.info("Yampi message {} was handled before a restart (its outcome is written): not handled again",
                    InboundFailureLog.nameOf(exchange));
            throw new AlreadySettledException();
        }
        if (state.contains(id + "\t" + CLAIMED)) {
            throw new MaybePostedException("read again after a stop that came between its claim and its outcome (a "
                    + "crash during the POST?)");
        }
        state.add(id + "\t" + CLAIMED);
    }

    /**
     * Its outcome (Yampi's answer, or an error) is written: a record read again is not handled again. The claim goes
     * once the settlement is kept (a crash between the two leaves both, and the settlement is asked first), so a
     * message keeps one entry.
     */
    public void settle(Exchange exchange) {
        String id = kafkaRecord(exchange);
        if (id != null) {
            state.add(id + "\t" + SETTLED);
            state.remove(id + "\t" + CLAIMED);
        }
    }

    /** Not sent, left for later: the next read of the record sends it. */
    public void release(Exchange exchange) {
        String id = kafkaRecord(exchange);
        if (id != null) {
            state.remove(id + "\t" + CLAIMED);
        }
    }

    private static String kafkaRecord(Exchange exchange) {
        return InboundSource.isKafka(exchange) ? InboundSource.nameOf(exchange) : null;
    }

    @Override
    protected void doStart() throws Exception {
        ServiceHelper.startService(state);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(state);
    }

    /** The record was handled before; nothing to do but let its offset be committed. */
    public static final class AlreadySettledException extends RuntimeException {
        AlreadySettledException() {
            super("handled before", null, false, false);
        }
    }

    /** The record was claimed before, with no outcome written: it may have been posted. */
    public static final class MaybePostedException extends RuntimeException {
        MaybePostedException(String message) {
            super(message, null, false, false);
        }
    }
}
