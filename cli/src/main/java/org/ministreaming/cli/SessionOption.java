package org.ministreaming.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One {@code --i2cp-option NAME=VALUE}: an I2CP session option handed to the router as given,
 * such as {@code inbound.length=0}. Immutable and thread-safe.
 *
 * @param name the option's name, not empty
 * @param value its value, possibly empty
 */
record SessionOption(String name, String value) {

    /** Reads {@code NAME=VALUE}. Stateless and thread-safe. */
    static final class Converter implements ITypeConverter<SessionOption> {
        /** Text without a name before an {@code =} is a usage error. */
        @Override
        public SessionOption convert(String text) {
            int equals = text.indexOf('=');
            String name = equals < 0 ? "" : text.substring(0, equals).trim();
            if (name.isEmpty()) {
                throw new TypeConversionException("'" + text + "' is not NAME=VALUE, like inbound.length=0");
            }
            return new SessionOption(name, text.substring(equals + 1).trim());
        }
    }
}
