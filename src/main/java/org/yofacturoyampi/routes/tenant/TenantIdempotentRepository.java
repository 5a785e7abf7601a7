package org.yofacturoyampi.routes.tenant;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.yofacturoyampi.routes.trigger.SyncReport;

/** One idempotent repository per tenant behind one name: the exchange's tenant picks the repository. */
public final class TenantIdempotentRepository extends ServiceSupport implements IdempotentRepository {

    private final Tenants<? extends IdempotentRepository> repositories;

    public TenantIdempotentRepository(Tenants<? extends IdempotentRepository> repositories) {
        this.repositories = repositories;
    }

    /** Also where a run that was abandoned (its state or its downstream out of reach) ends, at its next record. */
    @Override
    public boolean contains(Exchange exchange, String key) {
        SyncReport run = SyncReport.of(exchange);
        if (run != null && run.abandoned() != null) {
            throw run.abandoned();
        }
        return repositories.of(exchange).contains(exchange, key);
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        return repositories.of(exchange).add(exchange, key);
    }

    @Override
    public boolean confirm(Exchange exchange, String key) {
        return repositories.of(exchange).confirm(exchange, key);
    }

    @Override
    public boolean remove(Exchange exchange, String key) {
        return repositories.of(exchange).remove(exchange, key);
    }

    @Override
    public boolean contains(String key) {
        return repositories.get(null).contains(key);
    }

    @Override
    public boolean add(String key) {
        return repositories.get(null).add(key);
    }

    @Override
    public boolean confirm(String key) {
        return repositories.get(null).confirm(key);
    }

    @Override
    public boolean remove(String key) {
        return repositories.get(null).remove(key);
    }

    @Override
    public void clear() {
        repositories.all().values().forEach(IdempotentRepository::clear);
    }

    @Override
    protected void doStart() throws Exception {
        ServiceHelper.startService(repositories.all().values());
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(repositories.all().values());
    }
}
