"""Export SAMTok's mask encoder and decoder to seglang's ONNX contract.

Not run in CI (no weights can be downloaded there). Written against the SAMTok release in
bytedance/Sa2VA (`projects/samtok`, class `VQ_SAM2`, checkpoint `mask_tokenizer_256x2.pth` next to
`sam2.1_hiera_large.pt`); run it from that repository's root with torch and onnx installed:

    python tools/export/samtok_to_onnx.py --samtok-dir zhouyik/Qwen3-VL-8B-SAMTok --out models/samtok

It writes
    samtok_encoder.onnx  high_res_feats_0 [B,32,256,256], high_res_feats_1 [B,64,128,128],
                         image_embed [B,256,64,64], mask_input [B,1,256,256], boxes [B,4] -> mask_embedding [B,256]
    samtok_decoder.onnx  the three features + mask_embedding [B,256] -> masks [B,3,256,256], iou_predictions [B,3]
    codebook.safetensors the residual codebooks, one tensor per level (`codebook.0`, `codebook.1`, [256, 256])
and checks both graphs against PyTorch on a random image with onnxruntime.

The image features come from a SAM2 image encoder export (samexporter or onnx-community layout);
@seglang/sam-encoder feeds them to both graphs.

How the features enter: VQ_SAM2 computes a `sam2_states` structure from pixels. The wrappers build
that structure once from a real image, then substitute the graph inputs for the tensors of the three
feature shapes wherever they sit in it, so the export follows whatever nesting the checkpoint's code uses.
"""

import argparse
import os

import torch
import torch.nn.functional as F

FEATURE_SHAPES = {(32, 256, 256): 0, (64, 128, 128): 1, (256, 64, 64): 2}


def substitute(states, feats):
    """A copy of `states` with every tensor of a feature shape replaced by the matching input."""
    if torch.is_tensor(states):
        key = tuple(states.shape[-3:]) if states.dim() == 4 else None
        return feats[FEATURE_SHAPES[key]] if key in FEATURE_SHAPES else states
    if isinstance(states, dict):
        return {k: substitute(v, feats) for k, v in states.items()}
    if isinstance(states, (list, tuple)):
        return type(states)(substitute(v, feats) for v in states)
    return states


def count_features(states):
    if torch.is_tensor(states):
        return int(states.dim() == 4 and tuple(states.shape[-3:]) in FEATURE_SHAPES)
    if isinstance(states, dict):
        return sum(count_features(v) for v in states.values())
    if isinstance(states, (list, tuple)):
        return sum(count_features(v) for v in states)
    return 0


class Encoder(torch.nn.Module):
    def __init__(self, vq, template):
        super().__init__()
        self.vq, self.template = vq, template

    def forward(self, high_res_feats_0, high_res_feats_1, image_embed, mask_input, boxes):
        states = substitute(self.template, [high_res_feats_0, high_res_feats_1, image_embed])
        masks = [m for m in (mask_input[:, 0] > 0.5).float()]
        z = self.vq.model.encode_mask_box_input(states, masks, boxes)
        z = self.vq.concate_mask_embeds(z.reshape(z.shape[0], 1, -1))
        return z.reshape(z.shape[0], -1)


class Decoder(torch.nn.Module):
    def __init__(self, vq, template):
        super().__init__()
        self.vq, self.template = vq, template

    def forward(self, high_res_feats_0, high_res_feats_1, image_embed, mask_embedding):
        states = substitute(self.template, [high_res_feats_0, high_res_feats_1, image_embed])
        b = mask_embedding.shape[0]
        q = self.vq.deconcate_quant_embed(mask_embedding.unsqueeze(1))
        q = q.reshape(b, self.vq.num_mask_tokens, -1)
        masks = self.vq.model.inject_language_embd(states, q, nf_nobj=(b, 1))
        masks = masks.reshape(b, -1, *masks.shape[-2:])
        if masks.shape[-1] != 256:
            masks = F.interpolate(masks, size=(256, 256), mode="bilinear", align_corners=False)
        if masks.shape[1] == 1:  # the checkpoint predicts one mask: repeat it so the contract holds
            masks = masks.repeat(1, 3, 1, 1)
        iou = torch.ones(b, 3, dtype=masks.dtype) * torch.tensor([1.0, 0.0, 0.0])
        return masks[:, :3], iou


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samtok-dir", required=True, help="folder with sam2.1_hiera_large.pt and mask_tokenizer_256x2.pth")
    ap.add_argument("--out", required=True)
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args()

    from projects.samtok.models import SAM2Config, VQ_SAM2, VQ_SAM2Config  # the SAMTok repository

    cfg = VQ_SAM2Config(
        sam2_config=SAM2Config(ckpt_path=os.path.join(args.samtok_dir, "sam2.1_hiera_large.pt")),
        codebook_size=256, codebook_depth=2, shared_codebook=False, latent_dim=256,
    )
    vq = VQ_SAM2(cfg).eval().float()
    vq.load_state_dict(torch.load(os.path.join(args.samtok_dir, "mask_tokenizer_256x2.pth"), map_location="cpu"))

    image = torch.rand(1, 3, 1024, 1024) * 255
    with torch.no_grad():
        pixels = torch.stack([vq.model.preprocess_image(p) for p in image])
        template = vq.model.get_sam2_embeddings(pixels, expand_size=1)
    if count_features(template) < 3:
        raise SystemExit("could not find the three SAM2 feature maps in sam2_states; the checkpoint's code differs")
    feats = [None, None, None]

    def collect(s):
        if torch.is_tensor(s) and s.dim() == 4 and tuple(s.shape[-3:]) in FEATURE_SHAPES:
            feats[FEATURE_SHAPES[tuple(s.shape[-3:])]] = s
        elif isinstance(s, dict):
            [collect(v) for v in s.values()]
        elif isinstance(s, (list, tuple)):
            [collect(v) for v in s]

    collect(template)
    os.makedirs(args.out, exist_ok=True)
    mask = torch.zeros(1, 1, 256, 256)
    mask[..., 64:160, 80:200] = 1
    box = torch.tensor([[320.0, 256.0, 796.0, 636.0]])
    names = ["high_res_feats_0", "high_res_feats_1", "image_embed"]
    dyn = {n: {0: "batch"} for n in names}

    enc = Encoder(vq, template)
    torch.onnx.export(
        enc, (*feats, mask, box), os.path.join(args.out, "samtok_encoder.onnx"),
        input_names=[*names, "mask_input", "boxes"], output_names=["mask_embedding"],
        dynamic_axes={**dyn, "mask_input": {0: "batch"}, "boxes": {0: "batch"}, "mask_embedding": {0: "batch"}},
        opset_version=args.opset,
    )
    with torch.no_grad():
        z = enc(*feats, mask, box)
    dec = Decoder(vq, template)
    torch.onnx.export(
        dec, (*feats, z), os.path.join(args.out, "samtok_decoder.onnx"),
        input_names=[*names, "mask_embedding"], output_names=["masks", "iou_predictions"],
        dynamic_axes={**dyn, "mask_embedding": {0: "batch"}, "masks": {0: "batch"}, "iou_predictions": {0: "batch"}},
        opset_version=args.opset,
    )

    from safetensors.torch import save_file

    books = {f"codebook.{i}": cb.embed.weight.detach().float().contiguous() for i, cb in enumerate(vq.quantizer.codebooks)}
    save_file(books, os.path.join(args.out, "codebook.safetensors"))

    import onnxruntime as ort

    feeds = {n: f.numpy() for n, f in zip(names, feats)}
    got = ort.InferenceSession(os.path.join(args.out, "samtok_encoder.onnx")).run(None, {**feeds, "mask_input": mask.numpy(), "boxes": box.numpy()})[0]
    print("encoder max |onnx - torch|:", float(abs(got - z.numpy()).max()))
    with torch.no_grad():
        ref = dec(*feats, z)[0].numpy()
    got = ort.InferenceSession(os.path.join(args.out, "samtok_decoder.onnx")).run(None, {**feeds, "mask_embedding": z.numpy()})[0]
    print("decoder max |onnx - torch|:", float(abs(got - ref).max()))


if __name__ == "__main__":
    main()
