package org.yofacturoyampi.routes.paging;

/** One record of a list page: its id and its JSON exactly as the API returned it (compact). */
public final class ApiRecord {

    private final String id;
    private final String json;

    public ApiRecord(String id, String json) {
        this.id = id;
        this.json = json;
    }

    public String getId() {
        return id;
    }

    public String getJson() {
        return json;
    }

    @Override
    public String toString() {
        return "ApiRecord[id=" + id + "]";
    }
}
