// Transcript shaping shared by the server (query) and the client (viewer types). Pure functions, no I/O.

export type Affiliation = "INTERNAL" | "EXTERNAL" | "UNKNOWN";

export type Speaker = {
  /** Provider speaker id, null for sentences the provider did not attribute. */
  key: string | null;
  /** Participant name, or "Speaker N" when no participant carries this speaker id. */
  label: string;
  affiliation: Affiliation;
  /** True when the speaker was matched to a participant. */
  known: boolean;
};

/** Consecutive sentences of one speaker. Sentences are [startMs, text] tuples to keep the payload small. */
export type Turn = { speaker: number; startMs: number; sentences: Array<[number, string]> };

export type TranscriptData = {
  status: "PENDING" | "AVAILABLE" | "UNAVAILABLE";
  speakers: Speaker[];
  turns: Turn[];
};

type ParticipantLike = { speakerKey: string | null; name: string | null; email: string | null; affiliation: Affiliation };

/**
 * Speakers in order of first appearance. A key that matches a participant takes the participant's name;
 * other keys are numbered "Speaker 1", "Speaker 2", … in order of appearance; unattributed sentences
 * (null key) belong to "Unknown speaker".
 */
export function buildSpeakers(keysInOrder: Array<string | null>, participants: ParticipantLike[]) {
  const byKey = new Map<string, ParticipantLike>();
  for (const p of participants) if (p.speakerKey && !byKey.has(p.speakerKey)) byKey.set(p.speakerKey, p);
  const list: Speaker[] = [];
  const index = new Map<string | null, number>();
  let unnamed = 0;
  for (const key of keysInOrder) {
    if (index.has(key)) continue;
    const p = key === null ? undefined : byKey.get(key);
    const name = p?.name?.trim() || p?.email || null;
    let label: string;
    if (name) label = name;
    else if (key === null) label = "Unknown speaker";
    else label = `Speaker ${++unnamed}`;
    index.set(key, list.length);
    list.push({ key, label, affiliation: p?.affiliation ?? "UNKNOWN", known: Boolean(name) });
  }
  return { list, indexOf: (key: string | null) => index.get(key) ?? 0 };
}

export function groupTurns(sentences: Array<{ speakerKey: string | null; startMs: number; text: string }>, indexOf: (key: string | null) => number): Turn[] {
  const turns: Turn[] = [];
  let current: Turn | null = null;
  for (const s of sentences) {
    const speaker = indexOf(s.speakerKey);
    if (!current || current.speaker !== speaker) {
      current = { speaker, startMs: s.startMs, sentences: [] };
      turns.push(current);
    }
    current.sentences.push([s.startMs, s.text]);
  }
  return turns;
}

/** mm:ss under an hour, h:mm:ss from an hour on. */
export function formatTimestamp(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${String(m).padStart(2, "0")}:${ss}`;
}

/** The turn a `#t=<seconds>` link points at: the last turn that starts at or before that second. */
export function turnAtSecond(turns: Array<{ startMs: number }>, seconds: number): number {
  if (turns.length === 0) return -1;
  let lo = 0;
  let hi = turns.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (Math.floor(turns[mid]!.startMs / 1000) <= seconds) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Parses "#t=90" (or "#t=90.5", "t=90"); null when the hash is not a moment link. */
export function parseMomentHash(hash: string): number | null {
  const m = /^#?t=(\d{1,6})(?:\.\d+)?$/.exec(hash.trim());
  return m ? Number(m[1]) : null;
}
