// Tests run with quiet logs unless asked otherwise; services under test still log as JSON.
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'warn';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
