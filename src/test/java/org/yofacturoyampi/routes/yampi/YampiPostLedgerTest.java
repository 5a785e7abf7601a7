package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.delivery.DeliveryStateRepository;
import org.yofacturoyampi.routes.delivery.InboundSource;

/** What a Yampi message read again from Kafka meets, as a restarted app reads the ledger from STATE_DIR. */
class YampiPostLedgerTest {

    private static final String RECORD = "kafka:yampi-messages/0@7";

    @TempDir
    Path state;

    private YampiPostLedger ledger;

    @BeforeEach
    void start() {
        ledger = ledger();
    }

    @AfterEach
    void stop() {
        ledger.stop();
    }

    private YampiPostLedger ledger() {
        YampiPostLedger started = new YampiPostLedger(new DeliveryStateRepository(state.resolve("ledger.state")));
        started.start();
        return started;
    }

    /** The ledger as an app started again after a crash finds it. */
    private YampiPostLedger afterACrash() {
        ledger.stop();
        ledger = ledger();
        return ledger;
    }

    private static Exchange read(String source) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(InboundSource.VARIABLE, source);
        return exchange;
    }

    @Test
    void aMessageReadAgainAfterACrashBetweenItsClaimAndItsOutcomeMayHaveBeenPostedAndIsNotPostedAgain() {
        ledger.claim(read(RECORD));

        assertThatThrownBy(() -> afterACrash().claim(read(RECORD))).isInstanceOf(YampiPostLedger.MaybePostedException.class);
    }

    @Test
    void aMessageReadAgainAfterItsOutcomeWasWrittenIsSkipped() {
        ledger.claim(read(RECORD));
        ledger.settle(read(RECORD));

        assertThatThrownBy(() -> afterACrash().claim(read(RECORD)))
                .isInstanceOf(YampiPostLedger.AlreadySettledException.class);
    }

    @Test
    void aSettledMessageKeepsOneEntryItsSettlement() {
        // given a ledger on a state we can look into
        DeliveryStateRepository kept = new DeliveryStateRepository(state.resolve("one-entry.state"));
        YampiPostLedger one = new YampiPostLedger(kept);
        one.start();
        try {
            // when a message is claimed, then settled
            one.claim(read(RECORD));
            one.settle(read(RECORD));

            // then only its settlement is kept
            assertThat(kept.contains(RECORD + "\tsettled")).isTrue();
            assertThat(kept.contains(RECORD + "\tclaimed")).isFalse();
        } finally {
            one.stop();
        }
    }

    @Test
    void aMessageThatReachedNothingIsSentAtItsNextRead() {
        ledger.claim(read(RECORD));
        ledger.release(read(RECORD));

        assertThatCode(() -> afterACrash().claim(read(RECORD))).doesNotThrowAnyException();
    }

    @Test
    void aFileIsNotKeptInTheLedger() {
        ledger.claim(read("/data/in/yampi-messages/m.json@1700000000000"));

        assertThatCode(() -> afterACrash().claim(read("/data/in/yampi-messages/m.json@1700000000000")))
                .doesNotThrowAnyException();
    }
}
