package io.streamvault.launcher.cli;

import io.streamvault.broker.LocalBroker;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code streamvault broker}: runs the embedded broker of a state directory alone, until stopped. */
@Command(name = "broker", description = "Run the embedded Kafka broker alone and print its bootstrap address.")
public final class BrokerCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws InterruptedException {
        StreamVaultConfig config = common.config();
        LocalBroker broker = LocalBroker.acquire(config.stateDir());
        if (!broker.owned()) {
            String other = broker.bootstrapServers();
            broker.close();
            throw new FatalException(ErrorCode.STATE_LOCKED,
                    "another process already runs the broker of " + config.stateDir() + " at " + other);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }));
        System.out.println("bootstrap.servers=" + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
