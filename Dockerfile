# Build: Maven 3.9.9 (the version ./mvnw pins) on JDK 17.
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY src/ src/
RUN mvn -B -q package -DskipTests

# Run: a JRE, the thin jar and its lib/ directory, as an unprivileged user.
FROM eclipse-temurin:17-jre
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 werken \
    && mkdir -p /var/lib/werken && chown werken /var/lib/werken
WORKDIR /opt/werken
COPY --from=build /src/target/werken.jar ./werken.jar
COPY --from=build /src/target/lib/ ./lib/
COPY jvm.options ./
# Class data sharing (jvm.options names target/werken.jsa): archive the classes of one start at this image's jar path,
# as pom.xml does for a local build. Without a broker and on ephemeral ports; a failure only costs startup time.
RUN mkdir target \
    && (WERKEN_HTTP_PORT=0 WERKEN_MANAGEMENT_PORT=0 WERKEN_RABBITMQ_URI=amqp://guest:guest@127.0.0.1:1/%2F \
        WERKEN_LOG_LEVEL=OFF java -Xlog:disable -XX:ArchiveClassesAtExit=target/werken.jsa -XX:TieredStopAtLevel=1 \
        -XX:+UseSerialGC -Dcamel.main.duration-max-seconds=1 -jar /opt/werken/werken.jar || true)
USER werken
# Without WERKEN_RABBITMQ_URI (docker-compose.yml sets it) Werken runs its embedded broker, which listens inside the
# container only, with its data in /var/lib/werken (mount a volume there to keep it across containers).
ENV WERKEN_HTTP_PORT=8000 \
    WERKEN_MANAGEMENT_PORT=9876 \
    WERKEN_DATA_DIR=/var/lib/werken
EXPOSE 8000 9876
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${WERKEN_MANAGEMENT_PORT}/observe/health" || exit 1
# The same JVM options as the README's run command (jvm.options explains them), with the class-data archive named by
# its absolute path, so that it is used whatever the working directory (docker run -w).
ENTRYPOINT ["java", "@/opt/werken/jvm.options", "-XX:SharedArchiveFile=/opt/werken/target/werken.jsa", "-jar", "/opt/werken/werken.jar"]
