# StreamVault agent/CLI image: docker build -t streamvault .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --create-home streamvault
COPY --from=build /src/launcher/target/streamvault.jar /opt/streamvault/streamvault.jar
COPY --from=build /src/launcher/target/lib /opt/streamvault/lib
# The heap options of bin/streamvault (its comments say why); MALLOC_ARENA_MAX as it sets it too.
ENV STREAMVAULT_JAVA_OPTS="-Xms32m -Xmx1g -XX:+UseParallelGC -XX:GCTimeRatio=9" MALLOC_ARENA_MAX=2 LC_ALL=C.UTF-8
ENTRYPOINT ["sh", "-c", "exec java $STREAMVAULT_JAVA_OPTS --add-opens java.base/sun.nio.fs=ALL-UNNAMED -cp '/opt/streamvault/streamvault.jar:/opt/streamvault/lib/*' io.streamvault.launcher.Main \"$@\"", "streamvault"]
