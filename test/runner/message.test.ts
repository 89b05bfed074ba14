import { describe, expect, it } from 'vitest';
import { buildMessage, merge, missingFields, stableMessageId, templateFields } from '../../runner/message.ts';

describe('message building', () => {
  it('merges fields into subject, text and escaped html', () => {
    const message = buildMessage({
      template: { subject: 'Hi {{ Name }}, news for {{city}}', text: 'Dear {{name}},\nsee you in {{city}}.', html: '<p>Dear {{name}}</p>' },
      from: 'Shop <shop@example.test>', to: 'ann@example.test',
      fields: { email: 'ann@example.test', name: 'Ann <b>&', city: 'Paris' }, task: 'spring', recipient: 7, messageIdDomain: 'example.test',
    });
    expect(message).toEqual({
      from: 'Shop <shop@example.test>', to: 'ann@example.test',
      subject: 'Hi Ann <b>&, news for Paris',
      text: 'Dear Ann <b>&,\nsee you in Paris.',
      html: '<p>Dear Ann &#60;b&#62;&#38;</p>',
      messageId: '<fs.spring.7@example.test>',
      headers: { 'X-Fairsend-Task': 'spring', 'X-Fairsend-Recipient': '7' },
    });
  });

  it('gives the same Message-ID to the same task and recipient', () => {
    expect(stableMessageId('t1', 3, 'example.test')).toBe('<fs.t1.3@example.test>');
    expect(stableMessageId('t1', 3, 'example.test')).toBe(stableMessageId('t1', 3, 'example.test'));
    expect(stableMessageId('t1', 4, 'example.test')).not.toBe(stableMessageId('t1', 3, 'example.test'));
  });

  it('lists the fields a template uses and those a CSV lacks', () => {
    const template = { subject: '{{Name}}', text: '{{ city }} {{name}}', html: '{{zip}}' };
    expect(templateFields(template)).toEqual(['city', 'name', 'zip']);
    expect(missingFields(template, ['email', 'name'])).toEqual(['city', 'zip']);
  });

  it('replaces an unknown field with nothing', () => {
    expect(merge('a{{x}}b', {})).toBe('ab');
  });
});
