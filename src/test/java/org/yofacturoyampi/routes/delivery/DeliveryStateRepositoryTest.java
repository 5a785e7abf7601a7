package org.yofacturoyampi.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded delivery state: a record is new, changed or known by its id and fingerprint; every mark survives a
 * crash; the text files of earlier versions are read without delivering anything again; the file is compacted at
 * start; a cursor kept under an id of its own reads back exactly.
 */
class DeliveryStateRepositoryTest {

    private static final String HEADER_START = "\0DSTATE";
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final List<DeliveryStateRepository> opened = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopAll() {
        opened.forEach(DeliveryStateRepository::stop);
    }

    private Path file() {
        return dir.resolve("state/yofacturo-batch-invoices.state");
    }

    /** A state on the file, started: as the app starts it, after a restart or a crash. */
    private DeliveryStateRepository open() {
        DeliveryStateRepository state = new DeliveryStateRepository(file());
        state.start();
        opened.add(state);
        return state;
    }

    private Exchange exchange() {
        return new DefaultExchange(camel);
    }

    private static String key(String recordId, String fingerprint) {
        return recordId + "\t" + fingerprint;
    }

    private static String fingerprint(String json) {
        return RecordKey.fingerprint(json);
    }

    @Test
    void aRecordNeverMarkedIsNotContainedAndIsToldNew() {
        // given an empty state
        DeliveryStateRepository state = open();
        Exchange exchange = exchange();

        // when a record is looked up
        boolean known = state.contains(exchange, key("17/170", fingerprint("{\"id\":170}")));

        // then it is to be delivered, as new
        assertThat(known).isFalse();
        assertThat(exchange.getVariable(DeliveryStateRepository.CHANGE)).isEqualTo("new");
    }

    @Test
    void aRecordMarkedWithTheSameFingerprintIsContainedAndNothingIsTold() {
        // given a record marked delivered
        DeliveryStateRepository state = open();
        String key = key("17/170", fingerprint("{\"id\":170}"));
        assertThat(state.add(key)).isTrue();
        Exchange exchange = exchange();

        // when the same record is looked up again
        boolean known = state.contains(exchange, key);

        // then it is not delivered again, and marking it again changes nothing
        assertThat(known).isTrue();
        assertThat(exchange.getVariable(DeliveryStateRepository.CHANGE)).isNull();
        assertThat(state.add(key)).isFalse();
        assertThat(state.size()).isEqualTo(1);
    }

    @Test
    void aRecordMarkedWithAnotherFingerprintIsNotContainedAndIsToldChanged() {
        // given a record marked delivered
        DeliveryStateRepository state = open();
        state.add(key("17/170", fingerprint("{\"id\":170,\"status\":\"received\"}")));
        Exchange exchange = exchange();

        // when it comes back with another body
        boolean known = state.contains(exchange, key("17/170", fingerprint("{\"id\":170,\"status\":\"processed\"}")));

        // then it is to be delivered again, as changed; once marked, it is one record still
        assertThat(known).isFalse();
        assertThat(exchange.getVariable(DeliveryStateRepository.CHANGE)).isEqualTo("changed");
        assertThat(state.add(key("17/170", fingerprint("{\"id\":170,\"status\":\"processed\"}")))).isTrue();
        assertThat(state.size()).isEqualTo(1);
        assertThat(state.contains(key("17/170", fingerprint("{\"id\":170,\"status\":\"received\"}")))).isFalse();
    }

    @Test
    void removeTakesBackOnlyTheFingerprintItIsGiven() {
        // given a record marked delivered
        DeliveryStateRepository state = open();
        String delivered = key("17/170", fingerprint("v1"));
        state.add(delivered);

        // when a failed delivery of another version removes its own key (Camel's removeOnFailure), then this one's
        boolean removedOther = state.remove(key("17/170", fingerprint("v2")));
        boolean stillKnown = state.contains(delivered);
        boolean removedOwn = state.remove(delivered);

        // then only the version removed was taken back, in the file too
        assertThat(removedOther).isFalse();
        assertThat(stillKnown).isTrue();
        assertThat(removedOwn).isTrue();
        assertThat(state.contains(delivered)).isFalse();
        state.stop();
        assertThat(open().contains(delivered)).isFalse();
    }

    @Test
    void aMarkMadeIsThereAfterACrashThatSkippedTheStop() {
        // given a state that marked records and was never stopped (the process was killed)
        DeliveryStateRepository crashed = open();
        for (int i = 1; i <= 100; i++) {
            crashed.add(key("batch-" + i, fingerprint("{\"id\":" + i + "}")));
        }
        crashed.add(key("batch-7", fingerprint("{\"id\":7,\"changed\":true}")));

        // when the app starts again on the same file
        DeliveryStateRepository restarted = open();

        // then every mark is there, the last one of a record standing
        assertThat(restarted.size()).isEqualTo(100);
        for (int i = 1; i <= 100; i++) {
            String json = i == 7 ? "{\"id\":7,\"changed\":true}" : "{\"id\":" + i + "}";
            assertThat(restarted.contains(key("batch-" + i, fingerprint(json)))).as("batch-" + i).isTrue();
        }
    }

    @Test
    void aMarkCutShortByACrashIsNotTakenAndTheMarksBeforeItAndAfterTheRestartAreRead() throws Exception {
        // given two marks, then the first bytes of a third that a crash cut short
        DeliveryStateRepository crashed = open();
        crashed.add(key("a", fingerprint("a1")));
        crashed.add(key("b", fingerprint("b1")));
        crashed.stop();
        Files.write(file(), new byte[] {1, 2, 3, 4, 5, 6, 7}, StandardOpenOption.APPEND);

        // when the app starts again, marks another record, and starts once more
        DeliveryStateRepository restarted = open();
        int afterCrash = restarted.size();
        restarted.add(key("c", fingerprint("c1")));
        restarted.stop();
        DeliveryStateRepository again = open();

        // then the cut mark is ignored and every whole one is read, including the one after it
        assertThat(afterCrash).isEqualTo(2);
        assertThat(again.size()).isEqualTo(3);
        assertThat(again.contains(key("a", fingerprint("a1")))).isTrue();
        assertThat(again.contains(key("b", fingerprint("b1")))).isTrue();
        assertThat(again.contains(key("c", fingerprint("c1")))).isTrue();
    }

    @Test
    void aFileOfTheEarlierTextFormatIsMigratedWithoutDeliveringAnythingAgain() throws Exception {
        // given the file an earlier version wrote: one line per mark, a record changed later, one removed, a cursor,
        // and a last line cut short by a crash
        String b1 = fingerprint("{\"id\":1}");
        String b2v1 = fingerprint("{\"id\":2}");
        String b2v2 = fingerprint("{\"id\":2,\"status\":\"processed\"}");
        String b3 = fingerprint("{\"id\":3}");
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "1/11\t" + b1 + "\n"
                + "2/21\t" + b2v1 + "\n"
                + "3/31\t" + b3 + "\n"
                + "2/21\t" + b2v2 + "\n"
                + "3/31\t-\n"
                + "message-cursor/1/7\t4711\n"
                + "4/41", StandardCharsets.UTF_8);

        // when this version starts on it
        DeliveryStateRepository state = open();

        // then what was delivered is known, nothing else is, and the cursor reads back
        Exchange exchange = exchange();
        assertThat(state.contains(exchange, key("1/11", b1))).isTrue();
        assertThat(state.contains(exchange, key("2/21", b2v2))).isTrue();
        assertThat(exchange.getVariable(DeliveryStateRepository.CHANGE)).isNull();
        assertThat(state.contains(key("2/21", b2v1))).isFalse();
        assertThat(state.contains(key("3/31", b3))).isFalse();
        assertThat(state.recorded("message-cursor/1/7")).isEqualTo("4711");
        assertThat(state.recorded("4/41")).isNull();
        assertThat(state.size()).isEqualTo(3);
        // and the file is now of the compact format, which the next start reads the same
        assertThat(Files.readString(file(), StandardCharsets.ISO_8859_1)).startsWith(HEADER_START);
        state.stop();
        DeliveryStateRepository next = open();
        assertThat(next.contains(key("1/11", b1))).isTrue();
        assertThat(next.contains(key("2/21", b2v2))).isTrue();
        assertThat(next.recorded("message-cursor/1/7")).isEqualTo("4711");
        assertThat(next.size()).isEqualTo(3);
    }

    @Test
    void theFileIsCompactedAtStartToOneMarkPerRecord() throws Exception {
        // given three records, each marked ten times with another fingerprint, and one removed
        DeliveryStateRepository state = open();
        for (int version = 1; version <= 10; version++) {
            for (String id : List.of("a", "b", "c")) {
                state.add(key(id, fingerprint(id + version)));
            }
        }
        state.remove(key("c", fingerprint("c10")));
        state.stop();
        long before = Files.size(file());

        // when the app starts again
        DeliveryStateRepository restarted = open();

        // then the file holds the header and one mark for each of the two records left
        assertThat(before).isEqualTo(8 + 31 * MarkFile.MARK_BYTES);
        assertThat(Files.size(file())).isEqualTo(8 + 2 * MarkFile.MARK_BYTES);
        assertThat(restarted.contains(key("a", fingerprint("a10")))).isTrue();
        assertThat(restarted.contains(key("b", fingerprint("b10")))).isTrue();
        assertThat(restarted.size()).isEqualTo(2);
    }

    @Test
    void aFileThatIsOneMarkPerRecordAlreadyIsNotRewrittenAtStart() throws Exception {
        // given a state compacted at its start, which then marked new records only
        open().stop();
        DeliveryStateRepository state = open();
        state.add(key("a", fingerprint("a")));
        state.add(key("b", fingerprint("b")));
        state.stop();
        Object fileBefore = Files.readAttributes(file(), BasicFileAttributes.class).fileKey();

        // when the app starts again
        DeliveryStateRepository restarted = open();

        // then it reads the same file and appends to it, without a rewrite
        assertThat(Files.readAttributes(file(), BasicFileAttributes.class).fileKey()).isEqualTo(fileBefore);
        restarted.add(key("c", fingerprint("c")));
        assertThat(Files.size(file())).isEqualTo(8 + 3 * MarkFile.MARK_BYTES);
        assertThat(restarted.size()).isEqualTo(3);
    }

    @Test
    void aCursorKeptUnderAnIdOfItsOwnReadsBackExactlyAcrossARestart() {
        // given a conversation read without messages yet (cursor 0), and another whose cursor moved twice, as
        // ConversationMessages marks them
        DeliveryStateRepository state = open();
        state.add("message-cursor/1/7\t0");
        state.add("message-cursor/1/8\t999999999999999998");
        state.add("message-cursor/1/8\t999999999999999999");

        // when they are read back, also after a restart
        String empty = state.recorded("message-cursor/1/7");
        String moved = state.recorded("message-cursor/1/8");
        state.stop();
        DeliveryStateRepository restarted = open();

        // then each is the last one recorded, exactly; a conversation never read has none
        assertThat(empty).isEqualTo("0");
        assertThat(moved).isEqualTo("999999999999999999");
        assertThat(restarted.recorded("message-cursor/1/7")).isEqualTo("0");
        assertThat(restarted.recorded("message-cursor/1/8")).isEqualTo("999999999999999999");
        assertThat(restarted.recorded("message-cursor/1/9")).isNull();
    }

    @Test
    void aFingerprintReadsBackAsAStandInThatOnlyTellsTheRecordIsMarked() {
        // given a record marked with a fingerprint, which the state keeps as a hash
        DeliveryStateRepository state = open();
        String fingerprint = fingerprint("{\"id\":1}");
        state.add(key("1/11", fingerprint));

        // when what is recorded under it is asked
        String recorded = state.recorded("1/11");

        // then it is a stand-in, not the fingerprint and never a number that a cursor could take for its own
        assertThat(recorded).isNotNull().startsWith("#").hasSize(17).isNotEqualTo(fingerprint);
    }

    @Test
    void marksMadeFromSeveralThreadsAtOnceAreAllKeptInMemoryAndInTheFile() throws Exception {
        // given four threads marking 5,000 records each at once
        DeliveryStateRepository state = open();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            done.add(threads.submit(() -> {
                for (int i = 0; i < 5_000; i++) {
                    String id = thread + "/" + i;
                    state.contains(exchange(), key(id, fingerprint(id)));
                    state.add(key(id, fingerprint(id)));
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        threads.shutdown();

        int marked = state.size();

        // when the app starts again
        state.stop();
        DeliveryStateRepository restarted = open();

        // then all 20,000 are marked, in memory and in the file
        assertThat(marked).isEqualTo(20_000);
        assertThat(restarted.size()).isEqualTo(20_000);
        for (int t = 0; t < 4; t++) {
            assertThat(restarted.contains(key(t + "/4999", fingerprint(t + "/4999")))).isTrue();
        }
    }

    @Test
    void clearForgetsEveryRecordAlsoAfterARestart() {
        // given marked records
        DeliveryStateRepository state = open();
        state.add(key("a", fingerprint("a")));
        state.add(key("b", fingerprint("b")));

        // when the state is cleared, then a record marked again
        state.clear();
        state.add(key("c", fingerprint("c")));
        state.stop();

        // then only the record marked after the clear is known, after a restart too
        DeliveryStateRepository restarted = open();
        assertThat(restarted.size()).isEqualTo(1);
        assertThat(restarted.contains(key("a", fingerprint("a")))).isFalse();
        assertThat(restarted.contains(key("c", fingerprint("c")))).isTrue();
    }

    @Test
    void aStoppedStateGivesItsHeapBackAndTheNextStartReadsEveryMarkAgain() {
        // given a state of 10,000 records
        DeliveryStateRepository state = open();
        for (int i = 0; i < 10_000; i++) {
            state.add(key("r" + i, fingerprint("r" + i)));
        }
        long whileStarted = state.tableBytes();

        // when it is stopped, then started again
        state.stop();
        long whileStopped = state.tableBytes();
        state.start();

        // then its table shrank to nearly nothing while stopped, and every record is back
        assertThat(whileStarted).isGreaterThan(10_000L * 16);
        assertThat(whileStopped).isLessThan(whileStarted / 10);
        assertThat(state.size()).isEqualTo(10_000);
        assertThat(state.contains(key("r9999", fingerprint("r9999")))).isTrue();
    }

    @Test
    void aMarkBeforeTheStartIsRefused() {
        // given a state not started
        DeliveryStateRepository state = new DeliveryStateRepository(file());

        // when a record is marked, then that fails (the mark could not be kept)
        assertThatThrownBy(() -> state.add(key("a", fingerprint("a")))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
        assertThat(state.contains(key("a", fingerprint("a")))).isFalse();
    }

    @Test
    void aMillionRecordsOfAnEarlierTextFileAreMigratedThenLoadedAtStart() throws Exception {
        // given a text file of an earlier version with a million records, as 10,000 batches of 100 invoices
        Files.createDirectories(file().getParent());
        int records = 1_000_000;
        try (BufferedWriter out = Files.newBufferedWriter(file(), StandardCharsets.UTF_8)) {
            for (int i = 0; i < records; i++) {
                out.write((i / 100) + "/" + i);
                out.write('\t');
                out.write(fakeFingerprint(i));
                out.write('\n');
            }
        }

        // when the app starts on it (migration), and again (the compact file)
        long migrating = System.nanoTime();
        DeliveryStateRepository migrated = open();
        double migrationSeconds = (System.nanoTime() - migrating) / 1e9;
        migrated.stop();
        long loading = System.nanoTime();
        DeliveryStateRepository loaded = open();
        double loadSeconds = (System.nanoTime() - loading) / 1e9;

        // then every record is there (the times are printed, not asserted: the benchmark measures speed)
        System.out.printf("1,000,000 records: migrated from text in %.2f s, loaded in %.2f s, table %.1f bytes each, "
                + "file %d bytes%n", migrationSeconds, loadSeconds, loaded.tableBytes() / (double) records,
                Files.size(file()));
        assertThat(loaded.size()).isEqualTo(records);
        for (int i : new int[] {0, 1, 499_999, 999_999}) {
            assertThat(loaded.contains(key((i / 100) + "/" + i, fakeFingerprint(i)))).isTrue();
        }
        assertThat(loaded.contains(key("0/0", fakeFingerprint(1)))).isFalse();
    }

    /** 32 hex digits, as RecordKey makes them, without hashing a body (that is not what is measured). */
    private static String fakeFingerprint(int i) {
        long mixed = i * 0x9E3779B97F4A7C15L;
        return HexFormat.of().toHexDigits(mixed) + HexFormat.of().toHexDigits(~mixed);
    }
}
