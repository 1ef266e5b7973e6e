/**
 * The embedded cluster for tests and the sandbox: no production code depends on it except the
 * sandbox run command.
 */
package io.gimops.sandbox;
