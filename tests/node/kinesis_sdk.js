// The Node.js AWS SDK v3 against kinesis-mock's server, with the SDK's
// default request handler (HTTP/2 for every Kinesis call). Run by
// tests/test_node_sdk.py: KINESIS_ENDPOINT names the server; prints one JSON
// object of what it saw.
"use strict";

const {
  KinesisClient,
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
} = require("@aws-sdk/client-kinesis");

const RECORD_BYTES = 100 * 1024;
const PAGE_RECORDS = 12; // 1.2 MiB: one GetRecords page well past 1 MiB
const LIVE_RECORDS = 3;
const SHARD = "shardId-000000000000";

async function main() {
  const kinesis = new KinesisClient({
    endpoint: process.env.KINESIS_ENDPOINT,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
  });
  const result = {
    handler: kinesis.config.requestHandler.constructor.name,
    handlerProtocol: kinesis.config.requestHandler.metadata.handlerProtocol,
  };

  await kinesis.send(new CreateStreamCommand({ StreamName: "node", ShardCount: 1 }));
  const put = await kinesis.send(
    new PutRecordsCommand({
      StreamName: "node",
      Records: Array.from({ length: PAGE_RECORDS }, (_, i) => ({
        Data: Buffer.alloc(RECORD_BYTES, i),
        PartitionKey: `k${i}`,
      })),
    }),
  );
  result.putFailed = put.FailedRecordCount;

  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: "node",
      ShardId: SHARD,
      ShardIteratorType: "TRIM_HORIZON",
    }),
  );
  const page = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
  result.page = {
    records: page.Records.length,
    bytes: page.Records.reduce((total, r) => total + r.Data.length, 0),
    intact: page.Records.every((r, i) => r.Data.every((byte) => byte === i)),
  };

  const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "node" }));
  const { Consumer } = await kinesis.send(
    new RegisterStreamConsumerCommand({
      StreamARN: summary.StreamDescriptionSummary.StreamARN,
      ConsumerName: "node-app",
    }),
  );
  const subscription = await kinesis.send(
    new SubscribeToShardCommand({
      ConsumerARN: Consumer.ConsumerARN,
      ShardId: SHARD,
      StartingPosition: { Type: "LATEST" },
    }),
  );
  // Subscribed: these arrive while the event stream is open.
  const putting = (async () => {
    for (let i = 0; i < LIVE_RECORDS; i++) {
      await kinesis.send(
        new PutRecordCommand({ StreamName: "node", Data: Buffer.from(`live-${i}`), PartitionKey: "k" }),
      );
    }
  })();
  const live = [];
  result.events = 0;
  for await (const event of subscription.EventStream) {
    result.events += 1;
    for (const record of event.SubscribeToShardEvent?.Records ?? []) {
      live.push(Buffer.from(record.Data).toString());
    }
    if (live.length >= LIVE_RECORDS) break;
  }
  await putting;
  result.live = live;
  return result;
}

main().then(
  (result) => {
    process.stdout.write(JSON.stringify(result) + "\n");
    // Sessions the SDK keeps for the event stream would hold the process.
    process.exit(0);
  },
  (error) => {
    process.stdout.write(JSON.stringify({ error: `${error.name}: ${error.message}` }) + "\n");
    process.exit(1);
  },
);
