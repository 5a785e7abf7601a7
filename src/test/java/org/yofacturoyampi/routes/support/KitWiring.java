package org.yofacturoyampi.routes.support;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.main.MainListener;
import org.apache.camel.main.MainListenerSupport;
import org.yofacturoyampi.routes.app.Application;

/**
 * The application's wiring listeners ({@link Application#wire}) for a context that camel-test-main-junit5 makes.
 * Its {@code MainForTest} runs the listeners of {@code MainConfigurationProperties} at the same steps as {@code Main}
 * does, but hands them a main whose {@code getCamelContext()} is null (it initialises the context it is given without
 * keeping it), and every wiring finds its settings and registry through that context. So this one listener stands in
 * for them, and calls each, in order, with a main that returns the kit's context. It learns the context from a
 * {@link ContextHandOff}, a listener the kit makes by class name (Camel's injector gives such a listener the context)
 * and runs right after this one.
 */
final class KitWiring extends MainListenerSupport {

    private final List<MainListener> wirings;
    private BaseMainSupport main;

    private KitWiring(List<MainListener> wirings) {
        this.wirings = wirings;
    }

    /** Adds to {@code kit} these listeners, then the application's wiring, behind one listener that knows the context. */
    static void addTo(MainConfigurationProperties kit, MainListener... first) {
        MainConfigurationProperties app = new MainConfigurationProperties();
        for (MainListener listener : first) {
            app.addMainListener(listener);
        }
        Application.wire(app);
        kit.addMainListener(new KitWiring(List.copyOf(app.getMainListeners())));
        kit.addMainListener(ContextHandOff.class);
    }

    /** The kit's context, at the step where the wirings' beforeInitialize runs under {@code Main}. */
    private void beforeInitialize(CamelContext context) {
        main = new MainOfContext(context);
        wirings.forEach(w -> w.beforeInitialize(main));
    }

    private BaseMainSupport main() {
        if (main == null) {
            throw new IllegalStateException("the kit's context was not handed over before the wiring");
        }
        return main;
    }

    @Override
    public void beforeConfigure(BaseMainSupport kit) {
        wirings.forEach(w -> w.beforeConfigure(main()));
    }

    @Override
    public void afterConfigure(BaseMainSupport kit) {
        wirings.forEach(w -> w.afterConfigure(main()));
    }

    @Override
    public void beforeStart(BaseMainSupport kit) {
        wirings.forEach(w -> w.beforeStart(main()));
    }

    @Override
    public void afterStart(BaseMainSupport kit) {
        wirings.forEach(w -> w.afterStart(main()));
    }

    @Override
    public void beforeStop(BaseMainSupport kit) {
        wirings.forEach(w -> w.beforeStop(main()));
    }

    @Override
    public void afterStop(BaseMainSupport kit) {
        wirings.forEach(w -> w.afterStop(main()));
    }

    /**
     * Made by the kit from its class name with the context set (CamelContextAware), it hands that context to the
     * {@link KitWiring} of the same configuration in its beforeInitialize.
     */
    public static final class ContextHandOff extends MainListenerSupport implements CamelContextAware {

        private CamelContext context;

        @Override
        public void setCamelContext(CamelContext context) {
            this.context = context;
        }

        @Override
        public CamelContext getCamelContext() {
            return context;
        }

        @Override
        public void beforeInitialize(BaseMainSupport kit) {
            if (context == null) {
                throw new IllegalStateException("Camel made " + getClass().getSimpleName() + " without its context");
            }
            kit.configure().getMainListeners().stream().filter(KitWiring.class::isInstance).map(KitWiring.class::cast)
                    .forEach(wiring -> wiring.beforeInitialize(context));
        }
    }

    /** A main that only knows its context: all the wirings ask of it. */
    private static final class MainOfContext extends BaseMainSupport {
        MainOfContext(CamelContext context) {
            super(context);
        }
    }
}
