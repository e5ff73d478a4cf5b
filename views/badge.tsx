// The one badge of the portal: a state as a few fixed colours, each with its
// own icon and a word, so states are told apart without colour (WCAG 1.4.1)
// and in both languages. Every page that shows a sync run's, a store's, a
// job's, a user's, a disconnection's or an audit event's state draws it
// with this.
import type { Lang } from "./i18n.ts";
import { word } from "./words.ts";

/** The badge colours (static/app.css `.badge-<tone>`). */
export type Tone = "green" | "blue" | "grey" | "amber" | "red" | "purple";

/** The states of each kind of thing, with their colour and icon. */
const STATES = {
  run: {
    succeeded: ["green", "✓"],
    running: ["blue", "↻"],
    queued: ["grey", "◷"],
    interrupted: ["amber", "‖"],
    failed: ["red", "✕"],
    cancelled: ["purple", "⊘"],
  },
  store: {
    registered: ["grey", "○"],
    connected: ["green", "✓"],
    revoked: ["red", "!"],
    disconnecting: ["amber", "↻"],
    disconnected: ["purple", "⊘"],
  },
  disconnection: {
    in_progress: ["blue", "↻"],
    completed: ["green", "✓"],
  },
  outcome: {
    success: ["green", "✓"],
    failure: ["red", "✕"],
    denied: ["amber", "⛔"],
  },
  job: {
    enabled: ["green", "◷"],
    paused: ["grey", "‖"],
  },
  user: {
    active: ["green", "✓"],
    invited: ["blue", "✉"],
    disabled: ["grey", "⊘"],
  },
} as const satisfies Record<string, Record<string, readonly [Tone, string]>>;

export type StateKind = keyof typeof STATES;

/** The states a kind has, in display order (for filters). */
export function statesOf(kind: StateKind): string[] {
  return Object.keys(STATES[kind]);
}

/**
 * A badge: icon (hidden from screen readers, the word says it) and word.
 *
 * @example
 * <Badge tone="red" icon="✕" label="Failed" />
 */
export function Badge(
  p: {
    tone: Tone;
    icon: string;
    label: string;
    state?: string;
    title?: string;
  },
) {
  return (
    <span
      class={`badge badge-${p.tone}`}
      data-state={p.state}
      title={p.title}
    >
      <span class="badge-icon" aria-hidden="true">{p.icon}</span>
      {p.label}
    </span>
  );
}

/**
 * The badge of a state of `kind`, in the reader's language. A state the
 * table does not know (added later) still shows, grey, with its code.
 *
 * @example
 * <StateBadge lang="zh-CN" kind="run" state="interrupted" />
 */
export function StateBadge(
  p: { lang: Lang; kind: StateKind; state: string; title?: string },
) {
  const style = (STATES[p.kind] as Record<string, readonly [Tone, string]>)[
    p.state
  ] ?? ["grey", "•"];
  return (
    <Badge
      tone={style[0]}
      icon={style[1]}
      label={word(p.lang, p.kind, p.state)}
      state={p.state}
      title={p.title}
    />
  );
}
