package io.werken.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** An option's value that must be a whole number of 1 or more, such as {@code --max}. */
final class WholeNumber implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        long number;
        try {
            number = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
        if (number < 1) {
            throw new TypeConversionException("it must be 1 or more, not " + number);
        }
        return number;
    }
}
