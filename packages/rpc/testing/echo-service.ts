// The EchoService used by the transport contract suite and `make bench`: not for production use.
import { testingv1 } from '@hermes/proto';
import { createClient } from '../src/client.ts';
import { RpcError } from '../src/errors.ts';
import { defineService, type ServiceImpl, type ServiceRegistration } from '../src/service-impl.ts';
import { Code, isCodeName } from '../src/status-code.ts';
import type { Transport } from '../src/transport.ts';

export const EchoService = testingv1.EchoService;

export interface EchoProbe {
  /** Set when a Sleep handler saw its signal abort (deadline or cancel reached the handler). */
  sleepAborted: boolean;
}

/** Handlers that reveal what the server saw, so tests can assert what crossed the transport. */
export function echoServiceImpl(
  options: { relay?: () => Transport; probe?: EchoProbe } = {},
): ServiceImpl<typeof EchoService> {
  return {
    echo(req, ctx) {
      return {
        text: req.text,
        payload: req.payload,
        requestId: ctx.requestId,
        caller: ctx.caller ?? '',
        traceId: ctx.traceId ?? '',
        remainingMs: BigInt(ctx.remainingMs()),
      };
    },
    async *count(req) {
      for (let n = 1; n <= req.upTo; n++) {
        if (req.failAt !== 0 && n === req.failAt) throw new RpcError(Code.FAILED_PRECONDITION, `stopped at ${n}`);
        yield { n };
      }
    },
    fail(req) {
      if (req.code === 'CRASH') throw new Error(`unexpected failure with a secret detail: ${req.message}`);
      if (!isCodeName(req.code)) throw new RpcError(Code.INVALID_ARGUMENT, `unknown code ${req.code}`);
      throw new RpcError(Code[req.code], req.message);
    },
    async sleep(req, ctx) {
      const aborted = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), req.ms);
        ctx.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            resolve(true);
          },
          { once: true },
        );
      });
      if (aborted && options.probe) options.probe.sleepAborted = true;
      return { aborted };
    },
    async relay(req, ctx) {
      if (!options.relay) throw new RpcError(Code.FAILED_PRECONDITION, 'relay is not configured');
      const client = createClient(EchoService, options.relay());
      const inner = await client.echo({ text: req.text });
      return { inner, traceId: ctx.traceId ?? '' };
    },
  };
}

export function echoRegistration(
  options: { relay?: () => Transport; probe?: EchoProbe; maxMessageBytes?: number } = {},
): ServiceRegistration<typeof EchoService> {
  return defineService(EchoService, echoServiceImpl(options), {
    ...(options.maxMessageBytes !== undefined ? { maxMessageBytes: options.maxMessageBytes } : {}),
  });
}
