import { IsInt, Max, Min } from 'class-validator';
import { CommonSettings, InvalidSettingError, loadConfig, serviceDatabaseUrl } from './index';

class ExampleSettings extends CommonSettings {
  @IsInt()
  @Min(1)
  @Max(65535)
  EXAMPLE_PORT = 3000;
}

describe('loadConfig', () => {
  it('uses defaults when nothing is set and converts numbers', () => {
    const config = loadConfig(ExampleSettings, { EXAMPLE_PORT: '4100' });
    expect(config.EXAMPLE_PORT).toBe(4100);
    expect(config.KAFKA_BROKERS).toBe('127.0.0.1:9092');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(ExampleSettings, { EXAMPLE_PORT: '' }).EXAMPLE_PORT).toBe(3000);
  });

  it.each([
    [{ EXAMPLE_PORT: 'eighty' }, 'EXAMPLE_PORT'],
    [{ EXAMPLE_PORT: '70000' }, 'EXAMPLE_PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ KAFKA_BROKERS: 'a:1, b:2' }, 'KAFKA_BROKERS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ AUTH_LOCAL_SECRET: 'short' }, 'AUTH_LOCAL_SECRET'],
  ])('names the bad setting in one line: %j', (env, setting) => {
    expect(() => loadConfig(ExampleSettings, env)).toThrow(InvalidSettingError);
    try {
      loadConfig(ExampleSettings, env);
    } catch (error) {
      expect((error as InvalidSettingError).setting).toBe(setting);
      expect((error as Error).message).toMatch(new RegExp(`^Invalid setting ${setting}: .+`));
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('replaces only the database name of a URL', () => {
    expect(serviceDatabaseUrl('postgres://u:p@db:6543/postgres?sslmode=require', 'smi_intake')).toBe(
      'postgres://u:p@db:6543/smi_intake?sslmode=require',
    );
  });
});
