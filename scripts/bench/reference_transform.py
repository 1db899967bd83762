"""The reference's per-image transform (CNNDetection data/datasets.py + torchvision), written
out with the same library calls, for fixtures and the pipeline benchmark.

Draws use Python's `random` module and torch's RNG exactly where the reference does.
"""
from io import BytesIO
from random import choice, random

import cv2
import numpy as np
import torchvision.transforms as T
import torchvision.transforms.functional as TF
from PIL import Image
from scipy.ndimage import gaussian_filter

RZ = {"bilinear": T.InterpolationMode.BILINEAR, "bicubic": T.InterpolationMode.BICUBIC,
      "lanczos": T.InterpolationMode.LANCZOS, "nearest": T.InterpolationMode.NEAREST}


def sample_continuous(s):
    if len(s) == 1:
        return s[0]
    if len(s) == 2:
        return random() * (s[1] - s[0]) + s[0]
    raise ValueError("Length of iterable s should be 1 or 2.")


def sample_discrete(s):
    return s[0] if len(s) == 1 else choice(s)


def gaussian_blur(img, sigma):
    for c in range(3):
        gaussian_filter(img[:, :, c], output=img[:, :, c], sigma=sigma)


def cv2_jpg(img, quality):
    ok, enc = cv2.imencode(".jpg", img[:, :, ::-1], [int(cv2.IMWRITE_JPEG_QUALITY), quality])
    return cv2.imdecode(enc, 1)[:, :, ::-1]


def pil_jpg(img, quality):
    out = BytesIO()
    Image.fromarray(img).save(out, format="jpeg", quality=quality)
    return np.array(Image.open(out))


def data_augment(img, opt):
    img = np.array(img)
    if random() < opt["blur_prob"]:
        gaussian_blur(img, sample_continuous(opt["blur_sig"]))
    if random() < opt["jpg_prob"]:
        method = sample_discrete(opt["jpg_method"])
        qual = sample_discrete(opt["jpg_qual"])
        img = cv2_jpg(img, qual) if method == "cv2" else pil_jpg(img, qual)
    return Image.fromarray(img)


def build(opt):
    """opt: loadSize (None = no resize), rz_interp, blur_prob, blur_sig, jpg_prob, jpg_method,
    jpg_qual (expanded list), crop ('random', 'center' or None), cropSize, flip."""
    steps = []
    if opt["loadSize"] is not None:
        steps.append(T.Lambda(lambda img: TF.resize(img, opt["loadSize"],
                                                     interpolation=RZ[sample_discrete(opt["rz_interp"])])))
    steps.append(T.Lambda(lambda img: data_augment(img, opt)))
    if opt["crop"] == "random":
        steps.append(T.RandomCrop(opt["cropSize"]))
    elif opt["crop"] == "center":
        steps.append(T.CenterCrop(opt["cropSize"]))
    if opt["flip"]:
        steps.append(T.RandomHorizontalFlip())
    uint8 = T.Compose(steps)
    tensor = T.Compose([T.ToTensor(), T.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])
    return uint8, tensor
