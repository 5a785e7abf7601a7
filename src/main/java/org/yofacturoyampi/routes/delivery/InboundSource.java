package org.yofacturoyampi.routes.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.file.FileComponent;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Names the inbound message at hand, once, before a route's HTTP call drops every header: exchange variable
 * {@value #VARIABLE}, {@code kafka:<topic>/<partition>@<offset>} for a Kafka record (the same name each time the record
 * is read again), the file's absolute path and modification time for a file, or nothing for anything else. Attempts are
 * counted under that name ({@link InboundAttempts}), log lines use it, and a Yampi message's claim is kept under it.
 */
public final class InboundSource implements Processor {

    public static final String VARIABLE = "inboundSource";
    public static final String KAFKA = "kafka:";

    @Override
    public void process(Exchange exchange) {
        exchange.setVariable(VARIABLE, of(exchange));
    }

    static String of(Exchange exchange) {
        Message in = exchange.getMessage();
        Object topic = in.getHeader(KafkaConstants.TOPIC);
        Object offset = in.getHeader(KafkaConstants.OFFSET);
        if (topic != null && offset != null) {
            return KAFKA + topic + "/" + in.getHeader(KafkaConstants.PARTITION) + "@" + offset;
        }
        GenericFile<?> file = exchange.getProperty(FileComponent.FILE_EXCHANGE_FILE, GenericFile.class);
        return file == null ? null : file.getAbsoluteFilePath() + "@" + file.getLastModified();
    }

    /** The name {@link #process} gave the exchange's inbound message, or null. */
    public static String nameOf(Exchange exchange) {
        return exchange.getVariable(VARIABLE, String.class);
    }

    /** Whether the exchange's inbound message is a Kafka record. */
    public static boolean isKafka(Exchange exchange) {
        String name = nameOf(exchange);
        return name != null && name.startsWith(KAFKA);
    }
}
