// The bounded alert queue between the event loop and an output thread.
#include "sensor/output/alert_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "support/alloc_counter.h"

using namespace sensor::output;
using sensor::engine::Priority;

TEST(AlertQueue, FifoAndDropsWhenFull) {
    AlertQueue q(3);
    EXPECT_TRUE(q.push("a", Priority::Warning, 1));
    EXPECT_TRUE(q.push("b", Priority::Error, 2));
    EXPECT_TRUE(q.push("c", Priority::Notice, 3));
    EXPECT_FALSE(q.push("d", Priority::Notice, 4));  // full: dropped, counted
    EXPECT_EQ(q.dropped(), 1u);
    EXPECT_EQ(q.pushed(), 3u);
    ASSERT_NE(q.front(), nullptr);
    EXPECT_EQ(q.front()->line, "a");
    EXPECT_EQ(q.front()->priority, Priority::Warning);
    q.pop();
    EXPECT_TRUE(q.push("e", Priority::Notice, 5));  // wraps around
    std::vector<std::string> got;
    while (Alert* a = q.front()) {
        got.push_back(a->line);
        q.pop();
    }
    EXPECT_EQ(got, (std::vector<std::string>{"b", "c", "e"}));
    EXPECT_EQ(q.front(), nullptr);
}

TEST(AlertQueue, PushAllocatesNothingOnceSlotsAreWarm) {
    AlertQueue q(4);
    std::string line(600, 'x');
    for (int i = 0; i < 8; ++i) {
        q.push(line, Priority::Warning, 0);
        q.pop();
    }
    uint64_t before = sensor::testing_support::allocation_count();
    for (int i = 0; i < 100; ++i) {
        q.push(line, Priority::Warning, 0);
        q.pop();
    }
    EXPECT_EQ(sensor::testing_support::allocation_count() - before, 0u);
}

TEST(AlertQueue, OneProducerOneConsumerLoseNothing) {
    AlertQueue q(64);
    constexpr int kN = 20000;
    std::thread consumer([&] {
        int expect = 0;
        while (expect < kN) {
            if (Alert* a = q.front()) {
                EXPECT_EQ(a->line, std::to_string(expect));  // keeps draining either way
                ++expect;
                q.pop();
            }
        }
    });
    for (int i = 0; i < kN;)
        if (q.push(std::to_string(i), Priority::Informational, 0)) ++i;
    consumer.join();
    EXPECT_EQ(q.pushed(), static_cast<uint64_t>(kN));
}
