package org.yofacturoyampi.routes.yampi;

import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.paging.PageReader;
import org.yofacturoyampi.routes.paging.PagingRule;

/**
 * One entry of the Yampi resource catalogue (config/application.properties, {@code yampi.catalogue.<name>.*}): where
 * the resource lives, where its records sit in the answer and how its paging ends.
 *
 * @param path           path template with {@code {account_id}}, read with user or bot tokens (empty: none)
 * @param platformPath   the same for platform tokens (empty: none)
 * @param query          fixed query parameters, e.g. {@code status=all}
 * @param recordsPointer JSON pointer to the records; empty for a bare array or for an object that is the record
 * @param paging         {@code none}, {@code short-page} (stop at an empty or short page) or {@code total-count} (stop
 *                       at an empty page or once the records read reach the total; the page size is the server's)
 * @param pageSize       records a page holds: the stop rule of {@code short-page}, what {@code total-count} expects
 * @param countPointer   JSON pointer to the total record count, for {@code total-count}
 * @param tokenKinds     which token kinds may read it
 */
public record YampiResource(String name, String path, String platformPath, String query, String recordsPointer,
        String idField, String paging, int pageSize, String countPointer, Set<YampiTokenKind> tokenKinds) {

    public boolean readableWith(YampiTokenKind kind) {
        return tokenKinds.contains(kind) && !pathTemplate(kind).isEmpty();
    }

    public String pathFor(YampiTokenKind kind, String accountId) {
        return pathTemplate(kind).replace("{account_id}", accountId);
    }

    public boolean isPaged() {
        return !"none".equals(paging);
    }

    /** The single account object goes to {@code <account>/account.json}; other records to their resource folder. */
    public boolean isAccountItself() {
        return "account".equals(name);
    }

    PageReader pageReader(ObjectMapper json, PagingRule rule) {
        return new PageReader(json, recordsPointer, idField, rule);
    }

    /**
     * The paging rule of one walk ({@code total-count} counts the records it read, so each walk has its own).
     *
     * @param onShortPage told once per walk of a page shorter than {@code page-size} while the total says there is more
     */
    PagingRule pagingRule(PagingRule.ShortPage onShortPage) {
        return switch (paging) {
            case "none" -> PagingRule.single();
            case "short-page" -> PagingRule.untilShortPage(pageSize);
            case "total-count" -> {
                if (countPointer.isEmpty()) {
                    throw new ConfigurationException("yampi.catalogue." + name + ".count must be the JSON pointer to the "
                            + "total record count (e.g. /meta/count) for paging total-count");
                }
                yield PagingRule.totalCount(countPointer, pageSize, onShortPage);
            }
            default -> throw new ConfigurationException("yampi.catalogue." + name + ".paging must be none, "
                    + "short-page or total-count, not '" + paging + "'");
        };
    }

    private String pathTemplate(YampiTokenKind kind) {
        return kind == YampiTokenKind.PLATFORM ? platformPath : path;
    }
}
