import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Mailbox } from '../../runtime/index.js';

const test = suite('mailbox');

test('is FIFO and grows past its initial ring', () => {
  const m = new Mailbox<number>();
  for (let i = 0; i < 100; i++) m.push(i);
  for (let i = 0; i < 50; i++) assert.is(m.shift(), i);
  for (let i = 100; i < 150; i++) m.push(i);
  const rest = m.drain();
  assert.equal(rest, Array.from({ length: 100 }, (_, i) => i + 50));
  assert.is(m.size, 0);
});

test('drop-newest keeps what is queued and drops the incoming message', () => {
  const m = new Mailbox<number>({ capacity: 2, overflow: 'drop-newest' });
  m.push(1);
  m.push(2);
  const r = m.push(3);
  assert.equal(r, { accepted: true, dropped: 3 });
  assert.equal(m.drain(), [1, 2]);
});

test('drop-oldest makes room by dropping the head', () => {
  const m = new Mailbox<number>({ capacity: 2, overflow: 'drop-oldest' });
  m.push(1);
  m.push(2);
  const r = m.push(3);
  assert.equal(r, { accepted: true, dropped: 1 });
  assert.equal(m.drain(), [2, 3]);
});

test('reject refuses the incoming message', () => {
  const m = new Mailbox<number>({ capacity: 1, overflow: 'reject' });
  m.push(1);
  assert.equal(m.push(2), { accepted: false, dropped: 2 });
  assert.equal(m.drain(), [1]);
});

test('capacity must be positive', () => {
  assert.throws(() => new Mailbox({ capacity: 0 }), /positive/);
});

test.run();
