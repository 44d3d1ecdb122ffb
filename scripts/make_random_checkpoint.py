#!/usr/bin/python3
"""Writes a Hugging Face Llama checkpoint with random weights in the shape of
a real model, for memory and speed measurements (nothing can be downloaded
here). Weights ~ N(0, 0.02²) as the initialiser of transformers does
(initializer_range), norm gains 1, stored as BF16 (the dtype of the real
files), F16 or F32.

    scripts/make_random_checkpoint.py OUT_DIR [--shape llama-3.2-1b|stories15m]
        [--dtype bf16|f16|f32] [--seed 0] [--no-rope-scaling]

Needs numpy (Debian: python3-numpy).
"""
import argparse
import json
import os
import struct

import numpy as np

SHAPES = {
    # config.json of meta-llama/Llama-3.2-1B
    "llama-3.2-1b": dict(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
                         num_attention_heads=32, num_key_value_heads=8, head_dim=64,
                         vocab_size=128256, max_position_embeddings=131072, rope_theta=500000.0,
                         tie_word_embeddings=True,
                         rope_scaling={"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                                       "original_max_position_embeddings": 8192, "rope_type": "llama3"}),
    # llama2.c's stories15M
    "stories15m": dict(hidden_size=288, intermediate_size=768, num_hidden_layers=6,
                       num_attention_heads=6, num_key_value_heads=6, head_dim=48,
                       vocab_size=32000, max_position_embeddings=256, rope_theta=10000.0,
                       tie_word_embeddings=True, rope_scaling=None),
}
DTYPES = {"bf16": "BF16", "f16": "F16", "f32": "F32"}


def encode(values, dtype):
    """float32 array -> bytes of the stored dtype (BF16 rounded to nearest even)."""
    if dtype == "f32":
        return values.astype("<f4").tobytes()
    if dtype == "f16":
        return values.astype("<f2").tobytes()
    bits = values.astype("<f4").view("<u4").astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype("<u2").tobytes()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--shape", choices=sorted(SHAPES), default="llama-3.2-1b")
    ap.add_argument("--dtype", choices=sorted(DTYPES), default="bf16")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-rope-scaling", action="store_true")
    args = ap.parse_args()
    s = dict(SHAPES[args.shape])
    if args.no_rope_scaling:
        s["rope_scaling"] = None
    d, m, L = s["hidden_size"], s["intermediate_size"], s["num_hidden_layers"]
    q, kv, vocab = s["num_attention_heads"] * s["head_dim"], s["num_key_value_heads"] * s["head_dim"], s["vocab_size"]

    tensors = [("model.embed_tokens.weight", (vocab, d))]
    for l in range(L):
        p = f"model.layers.{l}."
        tensors += [(p + "input_layernorm.weight", (d,)), (p + "self_attn.q_proj.weight", (q, d)),
                    (p + "self_attn.k_proj.weight", (kv, d)), (p + "self_attn.v_proj.weight", (kv, d)),
                    (p + "self_attn.o_proj.weight", (d, q)), (p + "post_attention_layernorm.weight", (d,)),
                    (p + "mlp.gate_proj.weight", (m, d)), (p + "mlp.up_proj.weight", (m, d)),
                    (p + "mlp.down_proj.weight", (d, m))]
    tensors.append(("model.norm.weight", (d,)))
    if not s["tie_word_embeddings"]:
        tensors.append(("lm_head.weight", (vocab, d)))

    width = 4 if args.dtype == "f32" else 2
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, shape in tensors:
        size = width * int(np.prod(shape))
        header[name] = {"dtype": DTYPES[args.dtype], "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)

    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    with open(os.path.join(args.out, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name, shape in tensors:
            if len(shape) == 1:
                f.write(encode(np.ones(shape, dtype=np.float32), args.dtype))
                continue
            for r0 in range(0, shape[0], 4096):  # in slices: a few hundred MB at a time
                rows = min(4096, shape[0] - r0)
                f.write(encode(rng.normal(0.0, 0.02, (rows, shape[1])).astype(np.float32), args.dtype))
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
              "attention_bias": False, "mlp_bias": False, "rms_norm_eps": 1e-5,
              "torch_dtype": {"bf16": "bfloat16", "f16": "float16", "f32": "float32"}[args.dtype],
              "bos_token_id": 1, "eos_token_id": 2, **s}
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    print(f"{args.out}: {args.shape}, {args.dtype}, {offset / 1e9:.2f} GB of weights")


if __name__ == "__main__":
    main()
