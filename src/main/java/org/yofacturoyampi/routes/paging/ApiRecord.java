package org.yofacturoyampi.routes.paging;

/**
 * One record of a list page: its id as the API gave it, its safe name (one file name per id, also its key in the
 * delivery state, see {@link org.yofacturoyampi.routes.delivery.SafeFileName}) and its JSON exactly as the API
 * returned it (compact).
 */
public final class ApiRecord {

    private final String id;
    private final String name;
    private final String json;

    public ApiRecord(String id, String name, String json) {
        this.id = id;
        this.name = name;
        this.json = json;
    }

    public String getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public String getJson() {
        return json;
    }

    @Override
    public String toString() {
        return "ApiRecord[id=" + id + "]";
    }
}
