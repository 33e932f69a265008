package io.werken.core;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.support.SimpleRegistry;
import org.apache.camel.support.SupplierRegistry;

/**
 * One of Camel's registries behind a lock. The beans Werken binds at startup land in {@link DefaultRegistry}'s
 * fallback and supplier registries, plain {@code LinkedHashMap}s; the management server answers health checks while
 * they are bound, and a check that looked a bean up then failed with a {@code ConcurrentModificationException} (an
 * ERROR line and a 500 instead of the health report). {@link #install} puts both behind a lock.
 */
public final class LockedRegistry implements Registry, Closeable {

    private final Registry registry;

    private LockedRegistry(Registry registry) {
        this.registry = registry;
    }

    /** Makes {@code registry}'s fallback and supplier registries safe to use from several threads: call before binding. */
    public static void install(DefaultRegistry registry) {
        registry.setFallbackRegistry(new LockedRegistry(new SimpleRegistry()));
        registry.setSupplierRegistry(new LockedRegistry(new SupplierRegistry()));
    }

    @Override
    public synchronized void bind(String id, Class<?> type, Object bean) {
        registry.bind(id, type, bean);
    }

    @Override
    public synchronized void bind(String id, Class<?> type, Object bean, String initMethod, String destroyMethod) {
        registry.bind(id, type, bean, initMethod, destroyMethod);
    }

    @Override
    public synchronized void bind(String id, Class<?> type, Supplier<Object> bean) {
        registry.bind(id, type, bean);
    }

    @Override
    public synchronized void bind(
            String id, Class<?> type, Supplier<Object> bean, String initMethod, String destroyMethod) {
        registry.bind(id, type, bean, initMethod, destroyMethod);
    }

    @Override
    public synchronized void bindAsPrototype(String id, Class<?> type, Supplier<Object> bean) {
        registry.bindAsPrototype(id, type, bean);
    }

    @Override
    public synchronized void unbind(String id) {
        registry.unbind(id);
    }

    @Override
    public synchronized Object lookupByName(String name) {
        return registry.lookupByName(name);
    }

    @Override
    public synchronized <T> T lookupByNameAndType(String name, Class<T> type) {
        return registry.lookupByNameAndType(name, type);
    }

    @Override
    public synchronized <T> Map<String, T> findByTypeWithName(Class<T> type) {
        return registry.findByTypeWithName(type);
    }

    @Override
    public synchronized <T> Set<T> findByType(Class<T> type) {
        return registry.findByType(type);
    }

    @Override
    public synchronized void close() throws IOException {
        if (registry instanceof Closeable closeable) {
            closeable.close();
        }
    }
}
