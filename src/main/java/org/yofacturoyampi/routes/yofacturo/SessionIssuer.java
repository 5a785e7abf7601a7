package org.yofacturoyampi.routes.yofacturo;

/** Asks YoFacturo for a new session (the {@code POST /api/v1/auth/sessions} call). */
@FunctionalInterface
public interface SessionIssuer {

    /**
     * @throws ApiKeyRejectedException when YoFacturo refuses the api key (401)
     */
    YoFacturoSession issue();
}
