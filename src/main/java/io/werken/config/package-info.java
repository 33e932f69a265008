/**
 * The wiring: one small configuration class per role, each binding the beans the routes name ({@code ref:}), named
 * after their classes. Only {@code WerkenApplication} imports this package.
 * <p>
 * Camel binds the configurations in the order {@code WerkenApplication.configurations()} lists them, each class
 * whole before the next, so a bean may take any bean of an earlier class as a parameter. Within one class Camel
 * orders the methods by a heuristic of its own (those without parameters first, then those whose parameter types no
 * other parameterised method of the class returns), which is no full order: a bean may depend on a bean of its own
 * class only if that one has no parameters or only {@code @PropertyInject} ones.
 * Werken's settings come from one object, {@code Settings}, bound first by {@code SettingsConfiguration}: a bean takes
 * it as a parameter, not {@code @PropertyInject} literals (those remain only for keys Camel itself owns).
 * {@code WiringTest} starts the application's wiring and checks that every route reference resolves.
 */
package io.werken.config;
