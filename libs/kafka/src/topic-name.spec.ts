import { topicName } from './settings';

describe('topicName', () => {
  it('uses the base name alone when there is no prefix', () => {
    expect(topicName(undefined, 'defects.events')).toBe('defects.events');
    expect(topicName('', 'defects.events')).toBe('defects.events');
  });

  it('joins prefix and base with a dot', () => {
    expect(topicName('t_abc', 'defects.events')).toBe('t_abc.defects.events');
  });

  it('does not double a dot the prefix already ends with', () => {
    expect(topicName('tenant1.', 'defects.events')).toBe('tenant1.defects.events');
  });
});
