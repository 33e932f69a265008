/**
 * The wiring: one small configuration class per role, each binding the beans the routes name ({@code ref:}), named
 * after their classes. Only {@code WerkenApplication} imports this package.
 * <p>
 * Camel binds the configurations in the order {@code WerkenApplication.configurations()} lists them, each class
 * whole before the next, so a bean may take any bean of an earlier class as a parameter. Within one class Camel
 * orders the methods itself (those without parameters, or whose parameters no other method of the class returns,
 * come first), so a bean there depends on beans of its own class only if they are of that first kind.
 * {@code WiringTest} starts the application's wiring and checks that every route reference resolves.
 */
package io.werken.config;
