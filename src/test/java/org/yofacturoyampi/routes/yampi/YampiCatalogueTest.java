package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.paging.PagingRule;

/** The Yampi resource catalogue read from {@code yampi.catalogue.<name>.<field>} properties, without Camel. */
class YampiCatalogueTest {

    private static final PagingRule.ShortPage IGNORE_SHORT_PAGES = (page, records, expected, total) -> { };

    private final Map<String, String> properties = new LinkedHashMap<>();

    private YampiCatalogue catalogue() {
        return YampiCatalogue.read(properties.keySet(), properties::get);
    }

    private void entry(String resource, String field, String value) {
        properties.put(YampiCatalogue.PREFIX + resource + "." + field, value);
    }

    @Test
    void aResourceIsEveryFieldItsPropertiesGiveTrimmed() {
        // given a resource described in full, with stray spaces
        entry("contacts", "path", " /api/v1/accounts/{account_id}/contacts ");
        entry("contacts", "query", "sort=name");
        entry("contacts", "records", "/payload");
        entry("contacts", "id", "contact_id");
        entry("contacts", "paging", "total-count");
        entry("contacts", "count", "/meta/count");
        entry("contacts", "page-size", " 15 ");
        entry("contacts", "tokens", "user, platform");

        // when the catalogue is read
        YampiResource contacts = catalogue().find("contacts");

        // then it holds each field as given, without the spaces
        assertThat(contacts).isEqualTo(new YampiResource("contacts", "/api/v1/accounts/{account_id}/contacts", "",
                "sort=name", "/payload", "contact_id", "total-count", 15, "/meta/count",
                Set.of(YampiTokenKind.USER, YampiTokenKind.PLATFORM)));
    }

    @Test
    void aResourceThatSaysLittleIsOneUnpagedAnswerOfRecordsWithAnIdField() {
        entry("agents", "path", "/api/v1/accounts/{account_id}/agents");

        YampiResource agents = catalogue().find("agents");

        assertThat(agents.idField()).isEqualTo("id");
        assertThat(agents.isPaged()).isFalse();
        assertThat(agents.pageSize()).isZero();
        assertThat(agents.tokenKinds()).isEmpty();
    }

    @Test
    void propertiesOutsideTheCatalogueAreNoResources() {
        properties.put("yampi.resources", "contacts");
        properties.put("yampi.catalogue.", "x");
        properties.put("yampi.catalogue.nofield", "x");
        entry("labels", "path", "/labels");

        assertThatThrownBy(() -> catalogue().select("labels,nofield")).isInstanceOf(ConfigurationException.class)
                .hasMessage("YAMPI_RESOURCES names an unknown resource 'nofield'; known: labels");
    }

    @Test
    void theResourcesNamedAreSelectedInTheirOrderOnceEach() {
        entry("account", "path", "/a");
        entry("contacts", "path", "/c");
        entry("labels", "path", "/l");

        List<YampiResource> selected = catalogue().select(" labels, account,,labels ,contacts");

        assertThat(selected).extracting(YampiResource::name).containsExactly("labels", "account", "contacts");
    }

    @Test
    void anUnknownResourceIsAConfigurationErrorNamingTheVariableAndTheKnownOnes() {
        entry("contacts", "path", "/c");
        entry("account", "path", "/a");

        assertThatThrownBy(() -> catalogue().select("contacts,contcts")).isInstanceOf(ConfigurationException.class)
                .hasMessage("YAMPI_RESOURCES names an unknown resource 'contcts'; known: account, contacts");
        assertThatThrownBy(() -> catalogue().find("messages")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("yampi.catalogue.messages.*");
    }

    @Test
    void aPageSizeThatIsNotAWholeNumberAboveZeroIsAConfigurationErrorNamingTheProperty() {
        for (String wrong : List.of("0", "-5", "twenty", "1.5")) {
            properties.clear();
            entry("contacts", "page-size", wrong);

            assertThatThrownBy(this::catalogue).as(wrong).isInstanceOf(ConfigurationException.class)
                    .hasMessage("yampi.catalogue.contacts.page-size must be a whole number above 0, not '" + wrong + "'");
        }
    }

    @Test
    void anUnknownTokenKindIsAConfigurationErrorNamingTheResourcesProperty() {
        entry("contacts", "tokens", "user, admin");

        assertThatThrownBy(this::catalogue).isInstanceOf(ConfigurationException.class)
                .hasMessage("yampi.catalogue.contacts.tokens must list token kinds among user, bot, platform, not 'admin'");
    }

    @Test
    void aResourceIsReadableWithATokenKindItAllowsAndHasAPathFor() {
        entry("account", "path", "/api/v1/accounts/{account_id}");
        entry("account", "platform-path", "/platform/api/v1/accounts/{account_id}");
        entry("account", "tokens", "user,platform");
        entry("account_users", "platform-path", "/platform/api/v1/accounts/{account_id}/account_users");
        entry("account_users", "tokens", "user,platform");

        YampiCatalogue catalogue = catalogue();
        YampiResource account = catalogue.find("account");
        YampiResource users = catalogue.find("account_users");

        assertThat(account.readableWith(YampiTokenKind.USER)).isTrue();
        assertThat(account.readableWith(YampiTokenKind.BOT)).isFalse();
        assertThat(account.pathFor(YampiTokenKind.PLATFORM, "42")).isEqualTo("/platform/api/v1/accounts/42");
        assertThat(account.pathFor(YampiTokenKind.USER, "42")).isEqualTo("/api/v1/accounts/42");
        // allowed for user tokens, but with no path for them
        assertThat(users.readableWith(YampiTokenKind.USER)).isFalse();
        assertThat(users.readableWith(YampiTokenKind.PLATFORM)).isTrue();
    }

    @Test
    void aPagingThatIsNotKnownOrATotalCountWithoutItsPointerIsAConfigurationError() {
        entry("contacts", "paging", "cursor");
        entry("teams", "paging", "total-count");

        YampiCatalogue catalogue = catalogue();

        assertThatThrownBy(() -> catalogue.find("contacts").pagingRule(IGNORE_SHORT_PAGES))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("yampi.catalogue.contacts.paging must be none, short-page or total-count, not 'cursor'");
        assertThatThrownBy(() -> catalogue.find("teams").pagingRule(IGNORE_SHORT_PAGES))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("yampi.catalogue.teams.count");
    }

    @Test
    void theShippedCatalogueHasEveryDefaultResourceWithAWorkingPagingRule() throws IOException {
        // given config/application.properties as shipped
        Properties shipped = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("config/application.properties"))) {
            shipped.load(in);
        }
        YampiCatalogue catalogue = YampiCatalogue.read(shipped.stringPropertyNames(), shipped::getProperty);

        // when the default resources are selected, then each is known, readable with a user token and has a paging rule
        List<YampiResource> defaults = catalogue.select(shipped.getProperty("yampi.resources"));
        assertThat(defaults).isNotEmpty().allSatisfy(r -> {
            assertThat(r.readableWith(YampiTokenKind.USER)).as(r.name()).isTrue();
            assertThat(r.pagingRule(IGNORE_SHORT_PAGES)).as(r.name()).isNotNull();
        });
        assertThat(catalogue.find("messages").pageSize()).isPositive();
    }
}
